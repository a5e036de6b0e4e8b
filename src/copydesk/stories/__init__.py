"""stories: articles grouped into stories, with family tree and timeline."""

from .grouping import group_stories, story_id

__all__ = ["group_stories", "story_id"]
