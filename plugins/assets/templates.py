"""One compiled copy of each template for the whole build.

Pelican gives every generator its own Jinja environment (articles, pages, and
the FAQ, topics, tips and assets generators of our plugins), and each one
compiles every template it renders: base.html and its includes about ten
times over, some 0.4 s of every build, the guide's too. Jinja's bytecode
cache is the way to share that work: one in-memory ``SharedTemplateCode``
for the build, handed to every environment through ``JINJA_ENVIRONMENT``.
A template is compiled once per source text (Jinja checks the checksum) and
per set of the options that change its compiled code, so environments set
up differently never share code.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


def compile_options(environment) -> str:
    """What, besides the source, decides a template's compiled code."""
    autoescape = environment.autoescape
    return repr((
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.is_async,
        sorted(environment.extensions),
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", repr(autoescape)),
    ))


class SharedTemplateCode(BytecodeCache):
    """Jinja's bytecode cache, in memory, for the environments of one build."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def get_bucket(self, environment, name: str, filename: str | None, source: str) -> Bucket:
        key = self.get_cache_key(f"{compile_options(environment)}\0{name}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
