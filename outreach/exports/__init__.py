"""Pure export builders: data in, bytes (or text chunks) out; no database, no request.

* :mod:`outreach.exports.catalogue` - the project's gettext catalogues outside a request: every word a
  document prints, in the document's language.
* :mod:`outreach.exports.fmt` - Indonesian/English date, time, number and name formatting (plain Babel).
* :mod:`outreach.exports.pdf` - the official programme report, the single-activity report and a plain
  text document (press release), built with reportlab (a package: contract, layout, one module per document).
* :mod:`outreach.exports.press` - a press-release draft in Bahasa Indonesia from an activity's facts.
* :mod:`outreach.exports.tabular` - streaming CSV and XLSX writers with a formula-injection guard, and an
  XLSX reader for the importer.

Import the submodule you need; this package imports nothing heavy on its own.
"""
