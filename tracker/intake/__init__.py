"""Adding a plan from its document, the part without a page: the document's text and the targets it states.

read_document / read_pasted → DocumentText (tracker.intake.documents); propose_targets → [Proposal]
(tracker.intake.extract); UnreadableDocument (tracker.intake.errors). Never imports streamlit.
"""

from tracker.intake.documents import DocumentText, read_document, read_pasted
from tracker.intake.errors import UnreadableDocument
from tracker.intake.extract import propose_targets
from tracker.intake.proposal import Proposal

__all__ = ["DocumentText", "Proposal", "UnreadableDocument", "propose_targets", "read_document", "read_pasted"]
