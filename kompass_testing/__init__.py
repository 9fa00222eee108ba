"""Reports with known answers: a truth builder, a PDF generator and a comparison for tests.

``variants.json`` lists the generated variants (one entry each), ``editions.json`` the criteria and
template wording, ``phrases.json`` the sentence pools. ``generate`` writes ``fixtures/generated/``;
``compare`` checks an extracted :class:`~kompass_extract.model.Report` against a truth document.
Needs reportlab (a dev dependency) only for generating, not for comparing.
"""
