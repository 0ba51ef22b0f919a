# Verbatim from the NERSC slides "C/R Jobs with DMTCP within Container: Perlmutter"
# (/work/shared/seeds/000_ef3397791ccc720f.txt and 001_fa253f7d2db4ebe1.txt, the podman-hpc run.sh).
podman-hpc run --userns keep-id --rm -it --mpi \
    -e SLURM_JOBID=${SLURM_JOB_ID} \
    -v /cvmfs:/cvmfs \
    -v $(pwd):/podman-hpc \
    -w /podman-hpc \
    mtimalsina/geant4_dmtcp:Dec2023 \
    /bin/bash ./test-auto.sh &
