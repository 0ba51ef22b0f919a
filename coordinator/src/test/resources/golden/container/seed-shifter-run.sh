# Verbatim from the NERSC slides "C/R Jobs with DMTCP within Container: Perlmutter"
# (/work/shared/seeds/000_ef3397791ccc720f.txt and 001_fa253f7d2db4ebe1.txt, the automatic-resubmission run.sh).
#SBATCH --module=cvmfs      # Load module
#SBATCH --image=mtimalsina/geant4_dmtcp:Dec2023 # Container image
shifter --module=cvmfs --image=mtimalsina/geant4_dmtcp:Dec2023 /bin/bash ./test-auto.sh &
