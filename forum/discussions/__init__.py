"""Discussions: categories, tags, topics, posts, likes, bookmarks, drafts,
reading and uploads."""
