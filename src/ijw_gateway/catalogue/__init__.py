"""What the iJw 3.2 standard defines, as data: message structure, code lists, retourcodes."""
