"""`hub propose`: a drafted declaration and staging model for a sample file, to review.

Given one sample delivery in any format the adapters read, `draft` proposes the data set's
dbt sources declaration (how landing reads the file, which silver shape and fields it feeds,
which taxonomy rules its codes meet) and its staging model, with the evidence for every
choice in a plain-text report. Nothing is landed; `Proposal.write` writes the two drafts
into the folder it is given and never replaces a file.

    proposal = draft(Path("samples/case_export.csv"), data_set="service_cases")
    print(proposal.report())
    proposal.write(Path("proposals/service_cases"))
"""

from orchestration.engineering.proposal.command import main, run
from orchestration.engineering.proposal.drafts import Proposal, draft
from orchestration.engineering.proposal.sampling import ProposalError

__all__ = ["Proposal", "ProposalError", "draft", "main", "run"]
