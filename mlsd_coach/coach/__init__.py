"""Practice and mock interview flows, independent of any terminal."""
