"""Questions answered from a keyed knowledge base written from the article."""
