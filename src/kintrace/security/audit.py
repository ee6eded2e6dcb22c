"""Every read of reporter data leaves an audit entry."""

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record

READ_ACTION = Action.REPORTER_DATA_READ


def audit_decrypt(actor, target, purpose: str):
    """Record that `actor` decrypted `target`'s reporter data, and why ("triage", "case view",
    "export", ...). Call it in the service that decrypts, before showing anything."""
    return audit_record(actor=actor, action=READ_ACTION, target=target, after={"purpose": purpose})
