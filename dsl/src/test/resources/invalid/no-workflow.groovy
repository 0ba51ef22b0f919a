// only a variable, no workflow
def partition = 'debug'
