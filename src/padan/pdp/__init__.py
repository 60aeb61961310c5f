"""UU PDP (UU 27/2022) operations over a store and the policy: the record of processing and the
DPIA export, retention, data-subject access and correction requests, and breach reports.

The CLI (``padan pdp``, ``padan retention``) is a thin skin over these functions.
"""

from padan.pdp.breach import BreachReport, breach_report, token_window
from padan.pdp.policy import PdpPolicy, load_pdp_policy, parse_pdp_policy
from padan.pdp.records import dpia, dpia_markdown, ropa, ropa_markdown
from padan.pdp.retention import RetentionPlan, apply_retention_plan, plan_retention
from padan.pdp.subject import (
    child_of_record,
    correction_request,
    list_corrections,
    subject_access,
    update_correction,
)

__all__ = [
    "BreachReport",
    "PdpPolicy",
    "RetentionPlan",
    "apply_retention_plan",
    "breach_report",
    "child_of_record",
    "correction_request",
    "dpia",
    "dpia_markdown",
    "list_corrections",
    "load_pdp_policy",
    "parse_pdp_policy",
    "plan_retention",
    "ropa",
    "ropa_markdown",
    "subject_access",
    "token_window",
    "update_correction",
]
