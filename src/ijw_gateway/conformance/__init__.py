"""Conformance runs: send the fixture suite to an iJw receiver and check every answer.

``runner`` walks the manifest (``fixtures.manifest``) run by run; ``targets`` says where the
messages go (in-process validator or an HTTP endpoint); ``adapters`` reads a receiver's
HTTP answer (our JSON verdict, or a return message's RetourCodes); ``observed`` compares
an answer with the manifest; ``report`` prints the summary table and writes JUnit XML.
See docs/testers.md.
"""
