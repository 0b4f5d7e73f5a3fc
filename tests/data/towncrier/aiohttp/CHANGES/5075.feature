Multidict > 5 is now supported
