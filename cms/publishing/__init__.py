"""Background export of the public site: history, triggers and the admin screen 网站导出."""
