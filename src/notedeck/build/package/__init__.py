"""build/package"""
