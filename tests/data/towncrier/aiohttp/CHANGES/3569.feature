Make new style middleware default, deprecate the @middleware decorator and
remove support for old-style middleware.
