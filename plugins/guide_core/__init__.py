"""guide_core: what every plugin and tool of the guide shares. Not a Pelican plugin.

- ``kinds``: the one registry of content kinds (chapter, question, topic, page, tip);
- ``problems``: ``display_path``, ``did_you_mean``, ``split_list`` and ``report``
  (``path:line: message`` through logging, which tools/build.py counts);
- ``frontmatter``: the one front-matter parser (Python-Markdown's meta
  preprocessor, exactly as Pelican's Markdown reader uses it).

The plugins are one installable package (pyproject.toml at the project root,
installed in editable mode by ``make deps``), so plugins, tools and tests
import each other by name, with no ``sys.path`` edits.
"""
