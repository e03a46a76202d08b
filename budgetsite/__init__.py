"""budgetsite: publish Chinese district budget project disclosures as a bilingual static site."""
