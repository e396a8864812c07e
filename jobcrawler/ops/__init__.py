"""Operations: the command line, runs and their records, export."""
