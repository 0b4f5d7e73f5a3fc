Before ``sentinel`` was processed as either ``object`` or ``Any``, both variants are far from perfectness.

Now ``sentinel`` has a dedicated type which is not equal to anything.
