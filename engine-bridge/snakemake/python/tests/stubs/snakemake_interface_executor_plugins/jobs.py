class JobExecutorInterface:
    pass
