class WorkflowError(Exception):
    pass
