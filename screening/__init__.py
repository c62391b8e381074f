"""screening: compile clinical-trial eligibility criteria and screen patients against them.

Public API::

    from screening import load_trial, screen, screen_cohorts
    trial = load_trial("rules/NCT03944499.toml")
    result = screen(trial, patient_dict_or_model, cohort="phase_ia")
    result.verdict, result.model_dump_json()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["load_trial", "screen", "screen_cohorts", "Patient", "TrialResult", "CriterionResult",
           "CheckResult", "CompiledTrial", "ScreeningError", "__version__"]

if TYPE_CHECKING:
    from .compile import CompiledTrial
    from .errors import ScreeningError
    from .patient import Patient
    from .report import CheckResult, CriterionResult, TrialResult


def load_trial(path: Any) -> "CompiledTrial":
    """Read and compile a trial rules file (TOML)."""
    from .compile import compile_trial

    return compile_trial(path)


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import screening` cheap for the CLI's cold start.
    if name in {"screen", "screen_cohorts"}:
        from . import evaluate

        return getattr(evaluate, name)
    if name == "Patient":
        from .patient import Patient

        return Patient
    if name in {"TrialResult", "CriterionResult", "CheckResult"}:
        from . import report

        return getattr(report, name)
    if name == "CompiledTrial":
        from .compile import CompiledTrial

        return CompiledTrial
    if name == "ScreeningError":
        from .errors import ScreeningError

        return ScreeningError
    raise AttributeError(name)
