"""nomenclature"""
