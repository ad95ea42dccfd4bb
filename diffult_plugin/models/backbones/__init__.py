from .cifar_resnet import CifarResNet
from .metafg import MetaFG
from .ride_resnet import RIDEResNet
from .shike_resnet import SHIKEResNet

__all__ = ['CifarResNet', 'MetaFG', 'RIDEResNet', 'SHIKEResNet']
