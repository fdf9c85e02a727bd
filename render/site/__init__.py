"""The static comparison site: an index with client-side search, one page per tool, one per compared pair.

``site_files`` renders lazily and does no I/O; ``write_site`` is the only function in render/ that
writes to disk.
"""

from render.site.build import published_pairs, site_files
from render.site.models import SiteAlternative, SiteSummary, SiteTool
from render.site.paths import pair_page_path, tool_page_path, tool_slug
from render.site.write import write_site

__all__ = [
    "SiteAlternative",
    "SiteSummary",
    "SiteTool",
    "pair_page_path",
    "published_pairs",
    "site_files",
    "tool_page_path",
    "tool_slug",
    "write_site",
]
