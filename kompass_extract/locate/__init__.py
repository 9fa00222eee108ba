"""Stage 2, locate: find the report's parts on the read pages (running furniture, body layout, area headings),
with the printed labels each edition and template uses (labels)."""
