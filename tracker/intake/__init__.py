"""Adding a plan from its document, the part without a page: the document's text and the targets it states.

read_document / read_pasted → DocumentText (tracker.intake.documents); propose_targets → [Proposal]
(tracker.intake.extract); UnreadableDocument (tracker.intake.errors). Never imports streamlit.
"""

# review is imported with the package, before plan_rows whichever a caller names first: plan_rows builds on
# review's table helpers and review re-exports plan_rows' functions.
from tracker.intake import review
from tracker.intake.documents import DocumentText, read_document, read_pasted
from tracker.intake.errors import UnreadableDocument
from tracker.intake.extract import propose_targets
from tracker.intake.proposal import Proposal

__all__ = ["DocumentText", "Proposal", "UnreadableDocument", "propose_targets", "read_document", "read_pasted",
           "review"]
