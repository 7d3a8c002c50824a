"""The site model: content files validated into frozen records, merged and linked once (SPEC §3–§6)."""
