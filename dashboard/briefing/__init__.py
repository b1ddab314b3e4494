"""The district meeting kit: a briefing's content, its written summary, and its files (PPTX, PDF, ZIP)."""
