"""Questions answered from a keyed knowledge base written from the article: `/ask`,
`/faq` and plain text (feature), the matcher that picks the topic (matcher, embedding,
and reranker with its learned weights in reranker.txt, fitted by training) and the
knowledge base itself (knowledge.toml, knowledge)."""

from core.features.faq.feature import Faq

__all__ = ["Faq"]
