"""Pages of the project library: the generic pages of each model (`objects`) and the project page
with its workflows (`project_page`)."""
