from dataclasses import dataclass


@dataclass
class CommonSettings:
    non_local_exec: bool
    implies_no_shared_fs: bool
    job_deploy_sources: bool
    dryrun_exec: bool = False
    touch_exec: bool = False
    use_threads: bool = False
    pass_default_storage_provider_args: bool = True
    pass_default_resources_args: bool = True
    pass_envvar_declarations_to_cmd: bool = True
    auto_deploy_default_storage_provider: bool = True
    init_seconds_before_status_checks: int = 0
    pass_group_args: bool = False
    spawned_jobs_assume_shared_fs: bool = False
    can_transfer_local_files: bool = False


@dataclass
class ExecutorSettingsBase:
    pass
