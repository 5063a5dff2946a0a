"""build/render"""
