"""Pay-transparency compliance of open postings: the rules that apply to each and whether it
passes, as a page and a CSV; the rules themselves, read-only, in the admin."""
