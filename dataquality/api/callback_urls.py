# The notebook's endpoints under /data-quality/testgen/ (bearer callback tokens, not REST tokens).
urlpatterns: list = []
