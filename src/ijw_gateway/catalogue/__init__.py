"""What the iJw standard defines, as data keyed by release: message structure, code lists,
rules and retourcodes (``releases`` lists the releases; ``structure`` the exchange's)."""
