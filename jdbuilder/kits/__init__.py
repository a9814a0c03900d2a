"""Interview kits: for each skill a JD asks for, its level descriptor as the rubric, the question
bank's questions for that level, and a scorecard; as a page, a PDF and a Word file."""
