# DiffuLT + CE on CIFAR-10-LT IF100: the main DiffuLT job, under the
# diffult+<method> naming of the other combinations.
_base_ = ['./diffult_resnet32_cifar10lt.py']
