"""stories: articles grouped into events, with family tree, timeline, entities, facts and brief."""

from .build import build_stories
from .grouping import cluster_stories, group_stories
from .ids import assign_story_ids, story_id

__all__ = ["assign_story_ids", "build_stories", "cluster_stories", "group_stories", "story_id"]
