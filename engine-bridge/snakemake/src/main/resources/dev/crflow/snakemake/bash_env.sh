# crflow: sourced (BASH_ENV) by the bash Snakemake starts for the rule inside a crflow job; see crflow_smk_job.py
if [ -n "${CRFLOW_SMK_CONTROL:-}" ] && [ -n "${BASH_EXECUTION_STRING:-}" ] && [ -n "${CRFLOW_SMK_PYTHON:-}" ]; then
  unset BASH_ENV
  exec "$CRFLOW_SMK_PYTHON" "$CRFLOW_SMK_CONTROL/crflow_smk_job.py" hook "$CRFLOW_SMK_CONTROL" "$BASH" "$BASH_EXECUTION_STRING"
fi
