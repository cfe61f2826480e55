"""The standard's rules beyond the schema, one module per rule family.

Each rule is a small function registered under its code (``@rule("CS002")``); what it
means — messages, level, retourcode, explanation — lives in the rule catalogue
(``catalogue/rules/*.toml``), which the code, the docs and the tests all read.
"""
