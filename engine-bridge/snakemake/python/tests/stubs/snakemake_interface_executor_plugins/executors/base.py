from dataclasses import dataclass
from typing import Any, Dict, Optional


@dataclass
class SubmittedJobInfo:
    job: Any
    external_jobid: Optional[str] = None
    aux: Optional[Dict[Any, Any]] = None
