workflow('demo') {
  step('a') {
    command './sim'
    sbatch 'exclusive'
    sbatch '--gres'
    sbatch '--exclusiv'
    sbatch '--exclusive --gres=gpu:1'
    sbatch '--contiguous=yes'
  }
}
