"""The Textual front end: renders core objects and events, holds no business logic."""
