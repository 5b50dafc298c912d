"""The server-rendered pages: the run report and the landing page, with the reads that feed them."""
