"""What every stage stands on: model, glossary, problems, formats, cache, workers."""
