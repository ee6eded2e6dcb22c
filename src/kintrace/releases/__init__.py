"""Numbers for outside eyes: the multiple systems estimate per colony and region, and
anonymised releases (suppressed counts, a ledger of releases, microdata after a k-anonymity
check) that a coordinator approves."""
