# End-to-end checks of the graphclust binary: exit codes, one-line errors, atomic outputs.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run_cli expected_code out_var)
  execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL expected_code)
    message(FATAL_ERROR "graphclust ${ARGN}: exit ${code}, expected ${expected_code}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect text pattern)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "expected output matching '${pattern}', got:\n${text}")
  endif()
endfunction()

# info on the shipped graph
run_cli(0 out info ${SRC}/graphs/karate.txt)
expect("${out}" "nodes: 34")
expect("${out}" "edges: 78")

# components end to end, scored against ground truth, output written
file(WRITE ${WORK}/two.txt "a b\nb c\nc a\nx y\ny z\n")
file(WRITE ${WORK}/two.labels "a 0\nb 0\nc 0\nx 1\ny 1\nz 1\n")
run_cli(0 out cluster ${WORK}/two.txt --method components --labels ${WORK}/two.labels -o ${WORK}/two.clusters --quiet)
expect("${out}" "ARI: 1.0000")
file(READ ${WORK}/two.clusters clusters)
expect("${clusters}" "x 1")

# bad input: one clear line, non-zero exit, no output file
file(WRITE ${WORK}/bad.txt "0 1\n1 2 x\n")
run_cli(1 out cluster ${WORK}/bad.txt --method components -o ${WORK}/bad.out)
expect("${out}" "bad.txt:2: expected 2 columns")
if(EXISTS ${WORK}/bad.out)
  message(FATAL_ERROR "a failed run left an output file")
endif()
run_cli(1 out info ${WORK}/missing.txt)
expect("${out}" "cannot open")
run_cli(1 out cluster ${WORK}/two.txt --method nonsense)
expect("${out}" "unknown method 'nonsense'")
run_cli(2 out cluster)
run_cli(0 out --help)
expect("${out}" "cluster")

# conversion to the binary cache and back
run_cli(0 out convert ${WORK}/two.txt ${WORK}/two.gcsr)
run_cli(0 out info ${WORK}/two.gcsr)
expect("${out}" "nodes: 6")
# method options are flags generated from the declarations; a flag of another method is an error
run_cli(0 out cluster ${SRC}/graphs/karate.txt --method spectral -k 2 --n-init 3 --tolerance 1e-8 --readout cluster_qr
        --labels ${SRC}/graphs/karate.labels --quiet)
expect("${out}" "converged: true")
run_cli(0 out cluster ${SRC}/graphs/karate.txt --method spectral -k 2 --opt n_init=3 --quiet)
run_cli(1 out cluster ${SRC}/graphs/karate.txt --method components --n-init 3 --quiet)
expect("${out}" "--n-init is not an option of method 'components'")
run_cli(1 out cluster ${SRC}/graphs/karate.txt --method spectral --readout sideways --quiet)
expect("${out}" "must be one of kmeans, cluster_qr")
run_cli(1 out cluster ${SRC}/graphs/karate.txt --method spectral --n-init 0 --quiet)
expect("${out}" "n_init must be >= 1, got 0")
run_cli(0 out cluster --help)
expect("${out}" "--tolerance")
expect("${out}" "hermitian: default 2")
run_cli(0 out local ${SRC}/graphs/karate.txt --seed-nodes 1 --method flow --sweep --source-mass 50 --quiet)
expect("${out}" "cluster size:")
run_cli(1 out local ${SRC}/graphs/karate.txt --seed-nodes 1 --method ppr --gamma 0.5 --quiet)
expect("${out}" "--gamma is not an option of method 'ppr'")
# issue 17, defect 2: a UTF-8 byte-order mark does not turn "0" into a name the labels file lacks
string(ASCII 239 187 191 bom)
file(WRITE ${WORK}/bom.txt "${bom}0 1\n1 2\n2 0\n3 4\n4 5\n5 3\n")
file(WRITE ${WORK}/plain.labels "0 0\n1 0\n2 0\n3 1\n4 1\n5 1\n")
file(WRITE ${WORK}/bom.labels "${bom}0 0\n1 0\n2 0\n3 1\n4 1\n5 1\n")
foreach(labels plain.labels bom.labels)
  run_cli(0 out cluster ${WORK}/bom.txt --method components --labels ${WORK}/${labels} --quiet)
  expect("${out}" "ARI: 1.0000")
  if(out MATCHES "warning")
    message(FATAL_ERROR "the byte-order mark was read as part of a node: ${out}")
  endif()
endforeach()

# defect 4: one non-integer token switches every id to a name; say so even with --quiet
file(WRITE ${WORK}/typo.txt "0 1\n1 2\n2 x3\n3 0\n")
run_cli(0 out info ${WORK}/typo.txt --quiet)
expect("${out}" "warning: [^\n]*typo.txt:3: 'x3' is not an integer node id")
run_cli(0 out info ${WORK}/typo.txt --quiet --ids names)
if(out MATCHES "warning")
  message(FATAL_ERROR "--ids names asked for names, yet: ${out}")
endif()

# defect 5: stderr here is a pipe, not a terminal: one line per stage, no carriage-return redraws
run_cli(0 out cluster ${SRC}/graphs/karate.txt --method spectral -k 2)
string(FIND "${out}" "\r" carriage_return)
if(NOT carriage_return EQUAL -1)
  message(FATAL_ERROR "progress redraws with \\r when stderr is not a terminal:\n${out}")
endif()
expect("${out}" "spectral: eigenvectors\n")

message(STATUS "CLI end-to-end checks passed")

# DIGRAC from the CLI on a cyclic DSBM (K = 3, n = 1500, equal densities): the clusters differ only by
# edge direction, so DIGRAC recovers them while symmetrised spectral clustering sees no structure.
run_cli(0 out generate dsbm ${WORK}/dsbm.txt --labels ${WORK}/dsbm.labels --num-nodes 1500 -k 3 --p 0.02 --eta 0
        --meta-graph cyclic --seed 1 --quiet)
run_cli(0 out cluster ${WORK}/dsbm.txt --method digrac -k 3 --labels ${WORK}/dsbm.labels --quiet)
string(REGEX MATCH "ARI: ([0-9.-]+)" _ "${out}")
if(CMAKE_MATCH_1 LESS 0.9)
  message(FATAL_ERROR "DIGRAC ARI ${CMAKE_MATCH_1} < 0.9 on the cyclic DSBM:\n${out}")
endif()
run_cli(0 out cluster ${WORK}/dsbm.txt --method spectral -k 3 --labels ${WORK}/dsbm.labels --quiet)
string(REGEX MATCH "ARI: ([0-9.-]+)" _ "${out}")
if(CMAKE_MATCH_1 GREATER 0.1 OR CMAKE_MATCH_1 LESS -0.1)
  message(FATAL_ERROR "symmetrised spectral ARI ${CMAKE_MATCH_1} should be near 0 on the cyclic DSBM:\n${out}")
endif()
run_cli(1 out generate dsbm ${WORK}/bad_dsbm.txt --eta 0.7 --quiet)
expect("${out}" "eta")
