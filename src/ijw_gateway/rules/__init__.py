"""The standard's rules beyond the schema, one module per rule family.

Each rule is a small function registered under its code (``@rule("CS002")``) that yields
a ``Fault`` for each element at fault; the code is stated there once, and the stage turns
each fault into a finding of that code. What a rule means — messages, level, retourcode,
explanation — lives in the rule catalogue (``catalogue/rules/*.toml``), which the code,
the docs and the tests all read. What a rule may ask beyond the message (a history, a
contract book) are the typed ``ctx.lookups``.
"""
